import { AlphaModule } from '@fx/alpha';
import { KernelModule } from '@fx/kernel';
import { RelayModule } from '@fx/relay';

const Module = (_metadata: { imports: unknown[] }) => () => undefined;
class ShellOwnModule {}

@Module({ imports: [KernelModule, RelayModule.forFacade(), AlphaModule.forRoot(), ShellOwnModule] })
export class ShellModule {}
