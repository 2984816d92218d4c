/** GGUF size labels as parameter counts. */

/** `"7B"` → 7e9, `"260K"` → 260000; GGUF size labels like `"8x7B"` multiply out. */
export function parseSizeLabel(label: string | undefined): number | null {
  const match = label?.trim().match(/^(?:(\d+)x)?(\d+(?:\.\d+)?)([KMBT])$/i);
  if (!match) return null;
  const scale = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[match[3]!.toUpperCase() as 'K' | 'M' | 'B' | 'T'];
  return Math.round(Number(match[1] ?? 1) * Number(match[2]) * scale);
}
