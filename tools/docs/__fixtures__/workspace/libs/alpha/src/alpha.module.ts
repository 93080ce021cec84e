export class AlphaModule {
  static forRoot() {
    return AlphaModule;
  }
}
