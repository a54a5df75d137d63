// The package ships no types; this declares the one call Sward makes.
declare module 'http-link-header' {
  interface Reference {
    uri: string;
    rel: string;
    [attribute: string]: string;
  }
  const LinkHeader: { parse(value: string): { refs: Reference[] } };
  export default LinkHeader;
}
