/**
 * A host's org chart held in memory, as a test stands one up: who manages whom, the HR business
 * partners per unit, delegations and declared conflicts. It answers `orgChartAuthorizer`'s two
 * questions the way a host's directory would. Test data: excluded from the package.
 */
import type {
  Delegation,
  OrgReach,
  OrgRelationships,
  ReachRequest,
  RelationshipsRequest,
} from '../../index.js';

/** The org chart's facts; mutable, so a test can change them between attempts. */
export interface OrgFacts {
  /** Each person's line manager (the top has none). */
  readonly managerOf: Map<string, string>;
  /** The HR business partners of each organisational unit. */
  readonly partners: Map<string, string[]>;
  readonly delegations: Delegation[];
  /** People who declared a conflict of interest about an employee, by employee. */
  readonly conflicts: Map<string, string[]>;
}

/** An empty org chart. */
export function orgFacts(): OrgFacts {
  return { managerOf: new Map(), partners: new Map(), delegations: [], conflicts: new Map() };
}

/** The managers above `personId`, nearest first, at most `count`. */
export function chainAbove(facts: OrgFacts, personId: string, count: number): string[] {
  const chain: string[] = [];
  let current = facts.managerOf.get(personId);
  while (current !== undefined && chain.length < count) {
    chain.push(current);
    current = facts.managerOf.get(current);
  }
  return chain;
}

/** The host functions over `facts`, answering as a directory would. */
export function hostOrgChart(facts: OrgFacts) {
  return {
    relationships: ({ actor, pip, levels }: RelationshipsRequest): OrgRelationships => {
      return {
        managersAbove: chainAbove(facts, pip.managerId, levels - 1),
        hrBusinessPartners:
          pip.orgUnitId === undefined ? [] : (facts.partners.get(pip.orgUnitId) ?? []),
        delegations: facts.delegations.filter((delegation) => delegation.deputyId === actor.id),
        conflicts: facts.conflicts.get(pip.employeeId) ?? [],
      };
    },
    reach: ({ personId, levels }: ReachRequest): OrgReach => {
      const managersBelow: string[][] = [];
      let layer = [personId];
      for (let depth = 0; depth < levels - 1; depth++) {
        layer = [...facts.managerOf].filter(([, boss]) => layer.includes(boss)).map(([id]) => id);
        managersBelow.push(layer);
      }
      const partnerOf = [...facts.partners]
        .filter(([, people]) => people.includes(personId))
        .map(([unit]) => unit);
      const delegations = facts.delegations.filter(
        (delegation) => delegation.deputyId === personId,
      );
      return { managersBelow, partnerOf, delegations };
    },
  };
}
