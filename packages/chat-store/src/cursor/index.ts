export { encodeCursor, decodeCursor } from './cursor.js';
