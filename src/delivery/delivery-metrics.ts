/**
 * The metrics delivery reports to, as narrow as delivery uses them: delivery never imports ops/,
 * whose RelayMetrics satisfies this.
 */
export interface DeliveryMetrics {
  readonly hubspotRequests: { inc(labels: { http_status: string; batch_status: string; outcome: string }): void };
  readonly batchInputs: { observe(value: number): void };
  readonly webhookToHubspot: { observe(value: number): void };
  readonly retries: { inc(): void };
  readonly pauses: { inc(labels: { cause: string }): void };
  readonly quotaRemaining: { set(labels: { window: string }, value: number): void };
}
