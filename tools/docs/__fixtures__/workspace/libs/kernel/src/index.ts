export const OnIntegrationEvent = (_type: unknown, _name?: string) => () => undefined;
export class KernelModule {}
