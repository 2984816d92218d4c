/**
 * Mermaid, loaded lazily when a diagram scrolls into view. Diagrams are drawn to SVG text with mermaid's strict
 * security level and shown as an <img> of that SVG: an image cannot run script, reach the network or touch the page,
 * so a hostile diagram source is contained (the sandbox), whatever mermaid lets through.
 */
import mermaid from 'mermaid';

let initializedDark: boolean | null = null;
let seq = 0;

/**
 * Renders a mermaid source to an SVG string.
 *
 * @example
 * const svg = await renderDiagram('graph TD; A-->B', false);
 */
export async function renderDiagram(source: string, dark: boolean): Promise<string> {
  if (initializedDark !== dark) {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: dark ? 'dark' : 'default',
      // Labels as SVG text, not HTML in foreignObject: the image then draws them everywhere.
      htmlLabels: false,
      flowchart: { htmlLabels: false },
    });
    initializedDark = dark;
  }
  const { svg } = await mermaid.render(`mermaid-diagram-${++seq}`, source);
  return svg;
}
