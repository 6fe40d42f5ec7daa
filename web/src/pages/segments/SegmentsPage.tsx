import { AreaPlaceholder } from '../../components/AreaPlaceholder';
import { AREAS } from '../../navigation';

export function SegmentsPage() {
  return <AreaPlaceholder area={AREAS.segments} />;
}
