/** Opaque page cursors. */
export { encodeCursor, decodeCursor } from './cursor.js';
