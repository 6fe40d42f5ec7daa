import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function DashboardPage() {
  return <AreaPlaceholder area={AREAS.dashboard} />;
}
