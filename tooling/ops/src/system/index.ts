/** Memory, CPU and disk of the machine. */
export { diskSpace, machineSummary } from './system.js';
