import type { VippsClients } from '../salesUnits/vippsClients';
import type { SalesUnits } from '../salesUnits/unitConfig';
import type { LedgerRef } from '../workflows/messages/settlement';

/**
 * Which Report API ledger each sales unit settles to (`settlesForRecipientHandles=api:<msn>`).
 * Units that share a ledger share one settlement workflow. Answers are kept once found: a
 * ledger's id does not change.
 */
export class LedgerDirectory {
  private found: Promise<LedgerRef[]> | undefined;

  constructor(
    private readonly units: SalesUnits,
    private readonly vipps: VippsClients,
    /** Goes into each ledger's workflow input (SETTLEMENT_UNPAID_AFTER_DAYS). */
    private readonly options: { unpaidAfterDays?: number } = {},
  ) {}

  ledgers(): Promise<LedgerRef[]> {
    this.found ??= this.lookUp().catch((err: unknown) => {
      this.found = undefined;
      throw err;
    });
    return this.found;
  }

  private async lookUp(): Promise<LedgerRef[]> {
    const byId = new Map<string, LedgerRef>();
    for (const unit of this.units.registry.units) {
      const ledgers = await this.vipps.for(unit.name).listLedgers({ settlesForRecipientHandle: `api:${unit.msn}` });
      const ledger = ledgers[0];
      if (!ledger) throw new Error(`sales unit ${unit.name}: the Report API has no ledger for api:${unit.msn}`);
      const known = byId.get(ledger.ledgerId);
      if (known) known.units.push({ name: unit.name, msn: unit.msn });
      else byId.set(ledger.ledgerId, { ledgerId: ledger.ledgerId, currency: ledger.currency ?? unit.currency ?? '', units: [{ name: unit.name, msn: unit.msn }], ...(this.options.unpaidAfterDays !== undefined && { unpaidAfterDays: this.options.unpaidAfterDays }) });
    }
    return [...byId.values()];
  }
}
