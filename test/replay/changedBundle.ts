/**
 * The real order workflow bundled with one change in its decisions (changedNextStep.ts): histories
 * the real workflow wrote cannot replay on it. Used by the replay guard's own test and by the test
 * of an order whose workflow task keeps failing.
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Compiler } from 'webpack';

export function changedWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const changedModule = require.resolve('./changedNextStep');
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          // The workflow's own imports of ./nextStep get the changed module, which wraps the real one.
          apply(compiler: Compiler) {
            new compiler.webpack.NormalModuleReplacementPlugin(/[\\/]nextStep$/, (resource: { request: string; contextInfo: { issuer: string } }) => {
              if (resource.contextInfo.issuer !== changedModule) resource.request = changedModule;
            }).apply(compiler);
          },
        },
      ],
    }),
  });
}
