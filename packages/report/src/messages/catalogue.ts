import type { en } from './en.js';

/** Every message id: the keys of the English catalogue, which every locale has. */
export type MessageId = keyof typeof en;

/** A locale's messages: one ICU MessageFormat string per {@link MessageId}. */
export type Catalogue = Readonly<Record<MessageId, string>>;

/** The values a message's arguments take: text, numbers (plurals) or select keys. */
export type MessageValues = Readonly<Record<string, string | number>>;
