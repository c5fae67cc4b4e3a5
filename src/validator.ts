// The validator bundle (dist/validator.js): zod, yaml and every check. The extension host loads
// it with the first blueprint document, not at activation (its bundle is external to
// extension.js; see scripts/build.mjs). The CLI bundles it directly.
export * from './core/validate';
export * from './core/schema';
export * from './core/diagnostics';
export { userDataFileReader } from './core/user-data-file';
// This bundle has its own copy of @vscode/l10n: the host configures it too (Japanese later).
export { config as configureL10n } from '@vscode/l10n';
