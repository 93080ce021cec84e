import { AlphaModule } from '@fx/alpha';
import { BetaConsumer } from '@fx/beta';
import { KernelModule } from '@fx/kernel';
import { RelayModule } from '@fx/relay';

const Module = (_metadata: { imports: unknown[] }) => () => undefined;
class ShellOwnModule {}

@Module({ imports: [KernelModule, RelayModule.forFacade(), AlphaModule.forRoot(), ShellOwnModule] })
export class ShellModule {
  static compose(without: ReadonlySet<string>) {
    return { module: ShellModule, imports: [...(without.has('beta') ? [] : [BetaConsumer])] };
  }
}
