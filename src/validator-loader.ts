// Loads dist/validator.js (or src/validator.ts under tsx) on first use, as engine-loader.ts does
// for the engine: the extension host evaluates zod and yaml only when a blueprint is opened.
type Validator = typeof import('./validator');

let loaded: Validator | undefined;

export function loadValidatorBundle(): Validator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./validator.js') as Validator;
  return loaded;
}
