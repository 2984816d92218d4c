/** The server's pid file and stopping it. */
export { readPidFile, isProcessAlive, runningServerPid } from './pid-file.js';
export { stopServer, type StopServerOptions, type StopServerResult } from './stop-server.js';
export { findInstances, describeInstance, pidFiles, REMOTE_STALE_MS, type InstanceInfo } from './instances.js';
