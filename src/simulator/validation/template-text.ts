/** Placeholders (`{{1}}` or `{{name}}`) in order of first appearance. */
export function templateVariables(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const match of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
    const name = match[1] ?? '';
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Replaces each placeholder with its value (missing values stay as written). */
export function hydrate(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => values.get(name) ?? whole);
}

/**
 * Meta rejects body parameters containing new lines, tabs or more than four consecutive spaces (§2.4: 132012).
 */
export function hasForbiddenFormatting(value: string): boolean {
  return /[\n\t]| {5,}/.test(value);
}
