// Bundles every program with esbuild (the vscode-eslint pattern: several
// entry points, `vscode` external only for the extension client).
//   node scripts/build.mjs               development: source maps
//   node scripts/build.mjs --production  minified, for the .vsix
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

const programs = [
  { entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js' },
];

await Promise.all(programs.map((p) => esbuild.build({ ...common, ...p })));
