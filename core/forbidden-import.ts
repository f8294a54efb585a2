// Where core/tsconfig.json sends an import of `vscode`, `vscode-*` or
// `@vscode/*`: including this file is itself a compile error, so the pure
// core cannot depend on an editor.
const forbidden: 'the pure core (core/src) must not import vscode or editor libraries: put that code in a front end' = 'import';
export default forbidden;
