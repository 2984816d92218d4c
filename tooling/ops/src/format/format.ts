/** Human-readable byte counts: `512 B`, `1.5 KiB`, `3.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  return `${bytes < 0 ? '-' : ''}${text} ${units[unit]}`;
}

/** Pads rows into aligned columns; the first row is the header and gets an underline. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  if (!header) return '';
  return [line(header), line(header.map((_, i) => '-'.repeat(widths[i] ?? 0))), ...body.map(line)].join('\n');
}

/** A timestamp usable in file names on every OS: `2026-05-01T10-20-30-123Z`. */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
