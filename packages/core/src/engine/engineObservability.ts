/**
 * The observability services an engine is built with: its telemetry, its redacting log, and its
 * store wrapped once so every port call is traced.
 */
import { instrumentStore } from '../observability/instrumentedStore.js';
import { type EngineLog, engineLog } from '../observability/logger.js';
import { createTelemetry, type Telemetry } from '../observability/telemetry.js';
import type { PipStore } from '../store/pipStore.js';
import type { EngineOptions } from './engineApi.js';

/** An engine's telemetry, log and store. @internal */
export interface ObservedServices {
  readonly telemetry: Telemetry;
  readonly log: EngineLog;
  readonly store: PipStore;
}

/** Builds the observability services from the engine's options. @internal */
export function observedServices(options: EngineOptions): ObservedServices {
  const { store } = options;
  const telemetry = createTelemetry(options.telemetry, store.tenantId);
  const log = engineLog(options.logger, telemetry.tenantIds ? store.tenantId : undefined);
  return { telemetry, log, store: instrumentStore(store, telemetry, log) };
}
