/** dns-packet's record type table (its types.js), which @types/dns-packet does not declare. */
declare module 'dns-packet/types.js' {
  const types: {
    /** "A" → 1; 0 for a name it does not know. */
    toType(name: string): number;
    toString(type: number): string;
  };
  export default types;
}
