/** Export and import of chats: our own lossless JSON, Markdown, ChatGPT's and Open WebUI's exports. */
export {
  TRANSFER_FORMATS,
  plainMessage,
  type TransferFormat,
  type TransferChat,
  type TransferMessage,
  type SkippedCounts,
} from './transfer-types.js';
export { ImportFormatError, ImportTooLargeError } from './transfer-error.js';
export { readChats, chatLabel, type ReadChat, type ReadChatsOptions } from './read-chats.js';
export { fromChatGpt, isChatGptConversation } from './chatgpt-format.js';
export { fromOpenWebUi, isOpenWebUiChat } from './open-webui-format.js';
export {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ExportChatSchema,
  ExportMessageSchema,
  fromOwnChat,
  toExportMessage,
  type ExportChat,
  type ExportChatHeader,
  type ExportMessage,
} from './own-format.js';
export {
  renderMarkdown,
  markdownChatHeader,
  markdownMessage,
  closeOpenFence,
  MARKDOWN_CHAT_SEPARATOR,
  type MarkdownChat,
  type MarkdownMessage,
} from './markdown.js';
export {
  importChats,
  describeImport,
  type ImportChatsOptions,
  type ImportAttachmentOptions,
  type ImportProgress,
  type ImportSummary,
  type ImportedChat,
} from './import-chats.js';
export { exportChatsJson, exportChatsMarkdown, type ExportChatsOptions } from './export-chats.js';
export type {
  TransferRepository,
  ImportChatResult,
  ExportChatsPageOptions,
  ExportMessagesPageOptions,
  ExportChatRow,
} from '../contract/transfer-repository.js';
