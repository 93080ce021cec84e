export const messageType = <Payload>(type: string, version: number) => ({ type, version }) as { type: string; version: number; payload?: Payload };
