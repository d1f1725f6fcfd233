/**
 * The client's configuration for tests against an emulator on a free port: the emulator's
 * development credentials and a short timeout, so a test that hangs fails in seconds.
 */
import { EMULATOR_DEFAULT_CREDENTIALS, type RunningEmulator } from '@vipps-orders/vipps-emulator';
import { AccessTokenCache } from '../../src/accessToken';
import { VippsClient } from '../../src/client';
import type { VippsClientConfig } from '../../src/config';

export function emulatorClientConfig(emu: RunningEmulator): VippsClientConfig {
  return {
    baseUrl: emu.url,
    ...EMULATOR_DEFAULT_CREDENTIALS,
    systemName: 'vipps-client-tests',
    systemVersion: '0.1.0',
    pluginName: 'client-tests',
    pluginVersion: '0.1.0',
    timeoutMs: 2000,
  };
}

export function emulatorClient(config: VippsClientConfig): VippsClient {
  return new VippsClient(config, { tokenCache: new AccessTokenCache() });
}
