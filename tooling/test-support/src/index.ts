/** @chat-studio/test-support: helpers shared by Chat Studio's tests. */
export {};
