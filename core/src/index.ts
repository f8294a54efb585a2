// The pure core's public surface: language, machine model, explorer.
// Front ends (CLI, language server, debug adapter, VS Code client) import
// from here only.

export * from './language/ast';
export * from './language/diagnostics';
export * from './language/keywords';
export * from './language/lexer';
export * from './language/parser';
export * from './language/checker';
export * from './language/printer';
export * from './machine/topology';
export * from './machine/variants';
export * from './machine/state';
export * from './machine/trace';
export * from './machine/kernel';
export * from './machine/simulation';
export * from './machine/cursor';
export * from './explorer/explore';
export * from './explorer/pinpoint';
export { type ParallelRunner, type ParallelSearch, searchPart, threadsReturned } from './explorer/parallel';
export * from './export/promela';
export * from './report';
export * from './picture/index';
