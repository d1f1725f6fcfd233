/** The emulator as a library: start it inside tests or tools, or read its settings from the environment. */
export { startEmulator, resolvePublicUrl, type RunningEmulator } from './server';
export { buildEmulator, type Emulator } from './app';
export { type EmulatorOptions, type Clock, systemClock } from './options';
export {
  loadEmulatorConfig,
  EMULATOR_DEFAULT_CREDENTIALS,
  DEFAULT_EMULATOR_PORT,
  EmulatorConfigError,
  type EmulatorConfig,
  type EmulatorCredentials,
} from './config';
