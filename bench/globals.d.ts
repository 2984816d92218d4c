/** Marks the web benchmark sets on the page it drives, to time a click against what it shows. */
interface Window {
  __clickAt?: number;
  __shownAt?: number;
  __long?: number[];
}
