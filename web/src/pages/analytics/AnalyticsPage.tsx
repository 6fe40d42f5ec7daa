import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function AnalyticsPage() {
  return <AreaPlaceholder area={AREAS.analytics} />;
}
