// For helper processes that load the TypeScript sources with plain `node --experimental-strip-types`:
// the sources import each other as `./x.js` (NodeNext), and under type stripping that file is `./x.ts`.
// Import this module first; the sources are then loaded with a dynamic import().
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (err) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw err;
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
