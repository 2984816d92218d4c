import { describeChunkVectorSuite } from '../../../test/chunk-vectors-suite.js';
import { openTempStore } from '../../../test/temp-store.js';

describeChunkVectorSuite('sqlite', { open: () => openTempStore() });
