/** The server's pid file and stopping it. */
export { readPidFile, isProcessAlive, runningServerPid } from './pid-file.js';
export { stopServer, type StopServerOptions, type StopServerResult } from './stop-server.js';
