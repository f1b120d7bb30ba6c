/**
 * Route 53 alias targets: the hosted zone id of AWS load balancer and CloudFront hostnames, as
 * published in the AWS General Reference ("Elastic Load Balancing endpoints and quotas"). A CNAME
 * to one of these becomes an alias A record, as external-dns does unless --aws-prefer-cname.
 */

/** Classic and Application Load Balancers: <name>.<region>.elb.amazonaws.com */
const ELB_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
  'ca-central-1': 'ZQSVJUPU6J1EY',
  'ap-east-1': 'Z3DQVH9N71FHZ0',
  'ap-south-1': 'ZP97RAFLXTNZK',
  'ap-northeast-1': 'Z14GRHDCWA56QT',
  'ap-northeast-2': 'ZWKZPGTI48KDX',
  'ap-northeast-3': 'Z5LXEXXYW11ES',
  'ap-southeast-1': 'Z1LMS91P8CMLE5',
  'ap-southeast-2': 'Z1GM3OXH4ZPM65',
  'eu-central-1': 'Z215JYRZR1TBD5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-west-2': 'ZHURV8PSTC4K8',
  'eu-west-3': 'Z3Q77PNBQS71R4',
  'eu-north-1': 'Z23TAZ7KKW0L1G',
  'eu-south-1': 'Z3ULH7SSC9OV64',
  'sa-east-1': 'Z2P70J7HTTTPLU',
  'me-south-1': 'ZS929ML54UICD',
  'af-south-1': 'Z268VQBMOI5EKX',
  'cn-north-1': 'Z1GDH35T77C1KE',
  'cn-northwest-1': 'ZM7IZAIOVVDZF',
  'us-gov-west-1': 'Z33AYJ8TM3BH4J',
  'us-gov-east-1': 'Z166TLBEWOO7G0',
};

/** Network Load Balancers: <name>.elb.<region>.amazonaws.com */
const NLB_ZONES: Record<string, string> = {
  'us-east-1': 'Z26RNL4JYFTOTI',
  'us-east-2': 'ZLMOA37VPKANP',
  'us-west-1': 'Z24FKFUX50B4VW',
  'us-west-2': 'Z18D5FSROUN65G',
  'ca-central-1': 'Z2EPGBW3API2WT',
  'ap-east-1': 'Z12Y7K3UBGUAD1',
  'ap-south-1': 'ZVDDRBQ08TROA',
  'ap-northeast-1': 'Z31USIVHYNEOWT',
  'ap-northeast-2': 'ZIBE1TIR4HY56',
  'ap-northeast-3': 'Z1GWIQ4HH19I5X',
  'ap-southeast-1': 'ZKVM4W9LS7TM',
  'ap-southeast-2': 'ZCT6FZBF4DROD',
  'eu-central-1': 'Z3F0SRJ5LGBH90',
  'eu-west-1': 'Z2IFOLAFXWLO4F',
  'eu-west-2': 'ZD4D7Y8KGAS4G',
  'eu-west-3': 'Z1CMS0P5QUZ6D5',
  'eu-north-1': 'Z1UDT6IFJ4EJM',
  'sa-east-1': 'ZTK26PT1VY4CU',
  'me-south-1': 'Z3QSRYVP46NYYV',
  'af-south-1': 'Z203XCE67M25HM',
  'cn-north-1': 'Z3QFB96KMJ7ED6',
  'cn-northwest-1': 'ZQEIKTCZ8352D',
};

/** CloudFront distributions all live in one hosted zone. */
const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2';

/** The hosted zone id an alias to this hostname must name, or undefined if it is not an AWS alias target. */
export function canonicalHostedZone(hostname: string): string | undefined {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h.endsWith('.cloudfront.net')) return CLOUDFRONT_ZONE;
  let m = /\.([a-z0-9-]+)\.elb\.amazonaws\.com(\.cn)?$/.exec(h);
  if (m && ELB_ZONES[m[1]]) return ELB_ZONES[m[1]];
  m = /\.elb\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(h);
  if (m && NLB_ZONES[m[1]]) return NLB_ZONES[m[1]];
  return undefined;
}
