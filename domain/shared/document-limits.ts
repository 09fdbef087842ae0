// How much one document request may hold — read by the server's body schema and by the client,
// which says so before generating.

/** instruments in one document: each costs CPU and memory while the file is built */
export const MAX_DOCUMENT_ITEMS = 2000

/** ids left out of a "select all found" selection (bounded by the request body's size) */
export const MAX_EXCEPT_IDS = 100_000
