import {
  type Clock,
  createEngine,
  defaultPolicy,
  type Delegation,
  type Engine,
  orgChartAuthorizer,
  type PipStore,
} from '@pipkit/core';

/** The slice of the host's directory pipkit asks about (an HR system's API, LDAP, a table). */
export interface Directory {
  managerOf(personId: string): Promise<string | undefined>;
  reportsOf(personId: string): Promise<string[]>;
  partnersOf(orgUnitId: string): Promise<string[]>;
  unitsPartneredBy(personId: string): Promise<string[]>;
  delegationsTo(deputyId: string): Promise<Delegation[]>;
  conflictsAbout(employeeId: string): Promise<string[]>;
}

/** An engine whose every command and read is decided by the host's org chart. */
export function orgChartEngine(
  directory: Directory,
  options: { readonly store: PipStore; readonly clock?: Clock },
): Engine {
  return createEngine({
    ...options,
    policies: [defaultPolicy],
    ...orgChartAuthorizer({
      // The plan's manager (1), the skip level (2) and the director above them (3).
      managerChainLevels: 3,
      // Who the actor is to this plan: pipkit matches them against the roles below.
      async relationships({ actor, pip, levels }) {
        const managersAbove: string[] = [];
        let boss = await directory.managerOf(pip.managerId);
        while (boss !== undefined && managersAbove.length < levels - 1) {
          managersAbove.push(boss);
          boss = await directory.managerOf(boss);
        }
        return {
          managersAbove,
          hrBusinessPartners: pip.orgUnitId ? await directory.partnersOf(pip.orgUnitId) : [],
          delegations: await directory.delegationsTo(actor.id),
          conflicts: await directory.conflictsAbout(pip.employeeId),
        };
      },
      // Whose plans a person may find in queries: the managers below them, their units.
      async reach({ personId, levels }) {
        const managersBelow: string[][] = [];
        let layer = [personId];
        for (let depth = 1; depth < levels; depth++) {
          layer = (await Promise.all(layer.map((id) => directory.reportsOf(id)))).flat();
          managersBelow.push(layer);
        }
        return {
          managersBelow,
          partnerOf: await directory.unitsPartneredBy(personId),
          delegations: await directory.delegationsTo(personId),
        };
      },
      roles: {
        employee: {
          heldBy: 'employee',
          actsAs: ['employee'],
          may: ['READ', 'ACKNOWLEDGE', 'ATTACH_DOCUMENT', 'SUBMIT_REPLY'],
        },
        lineManager: {
          heldBy: { managerLevel: 1 },
          actsAs: ['manager'],
          may: ['READ', 'OPEN', 'UPDATE_PLAN', 'SUBMIT_FOR_APPROVAL', 'RECORD_CHECK_IN', 'PASS'],
        },
        skipLevel: { heldBy: { managerLevel: 2 }, actsAs: ['seniorManager'], may: ['READ'] },
        director: {
          heldBy: { managerLevel: 3 },
          actsAs: ['seniorManager'],
          may: ['READ', 'DECIDE'],
        },
        hrBusinessPartner: {
          heldBy: 'hrBusinessPartner',
          actsAs: ['hr'],
          may: ['READ', 'OPEN', 'APPROVE', 'REJECT', 'PAUSE', 'RESUME', 'DECIDE', 'CLOSE'],
        },
        counsel: {
          heldBy: 'tenant',
          actsAs: ['legal'],
          may: ['READ', 'PLACE_LEGAL_HOLD', 'RELEASE_LEGAL_HOLD'],
        },
        // The timer sweep acts as the system on every plan of the tenant.
        timers: { heldBy: 'tenant', actsAs: ['system'], may: ['READ', 'DEADLINE_REACHED'] },
      },
    }),
  });
}
