import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitDecision, RateLimiter } from '../../core/assistant.ts';

/** Per-user and global limits in this process (one instance; several share Redis later). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly perUser: RateLimiterMemory;
  private readonly global: RateLimiterMemory;

  constructor(limits: { userPerMinute: number; globalPerSecond: number }) {
    this.perUser = new RateLimiterMemory({ points: limits.userPerMinute, duration: 60 });
    this.global = new RateLimiterMemory({ points: limits.globalPerSecond, duration: 1 });
  }

  async consume(userKey: string): Promise<LimitDecision> {
    try {
      await this.perUser.consume(userKey);
    } catch (err) {
      if (err instanceof RateLimiterRes) return { ok: false, scope: 'user', retryAfterS: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      throw err;
    }
    try {
      await this.global.consume('all');
    } catch (err) {
      if (err instanceof RateLimiterRes) return { ok: false, scope: 'global', retryAfterS: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      throw err;
    }
    return { ok: true };
  }
}
