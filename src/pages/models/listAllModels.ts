import type { VigilResources } from '../../components/resources';
import type { ModelSummary } from '../../query/api';

const PAGE = 1000;

/**
 * Every model of the data source, up to `cap` (the page searches and pages them in the browser),
 * and the total the backend reports, which is larger when the cap cut the list.
 */
export async function listAllModels(
  resources: VigilResources,
  cap = 10_000
): Promise<{ items: ModelSummary[]; total: number }> {
  const items: ModelSummary[] = [];
  let total = 0;
  do {
    const page = await resources.listModels({ limit: Math.min(PAGE, cap - items.length), offset: items.length });
    items.push(...page.items);
    total = page.total;
    if (page.items.length === 0) {
      break;
    }
  } while (items.length < total && items.length < cap);
  return { items, total };
}
