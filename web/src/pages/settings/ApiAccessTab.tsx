import { PanelStack } from '../../components/Panel';
import { ApiKeysPanel } from './ApiKeysPanel';
import { ExcludedIpsPanel } from './ExcludedIpsPanel';

/** API and IP access: the store's API keys and the IPs whose events are not collected. */
export function ApiAccessTab() {
  return (
    <PanelStack>
      <ApiKeysPanel />
      <ExcludedIpsPanel />
    </PanelStack>
  );
}
