// Channel names shared by the main process and the preload: one per operation and one per event.
export const opChannel = (name: string): string => `strata:${name}`
export const eventChannel = (name: string): string => `strata-event:${name}`
