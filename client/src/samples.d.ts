// Scenario files imported as text: scripts/build.mjs bundles them with esbuild's text loader.
declare module '*.tlbscn' {
  const text: string;
  export default text;
}
