/**
 * One CSV line (RFC 4180): fields with a comma, quote or line break are quoted. A field that a spreadsheet would
 * run as a formula (=, +, -, @, tab, CR first) is prefixed with "'", so an exported consent cannot execute.
 */
export function csvLine(fields: readonly unknown[]): string {
  return fields
    .map((f) => {
      if (f === null || f === undefined) return '';
      let s = String(f);
      if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
