export { diskSpace, machineSummary } from './system.js';
