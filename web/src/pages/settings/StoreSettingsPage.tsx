import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function StoreSettingsPage() {
  return <AreaPlaceholder area={AREAS.settings} />;
}
