// The engine bundle's entry point (dist/engine.js; engine-loader.ts requires './engine.js', which
// is this file under tsx). The engine itself is src/engine/, read from its index.ts.
export * from './engine/index';
