import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function SupportPage() {
  return <AreaPlaceholder area={AREAS.support} />;
}
