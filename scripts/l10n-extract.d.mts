// Types of scripts/l10n-extract.mjs for the tests that import it.
export function extractFromSource(text: string, fileName?: string, problems?: string[]): string[];
export function extractRuntimeStrings(dir?: string): Promise<Record<string, string>>;
export const englishBundlePath: string;
