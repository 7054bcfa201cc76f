"""The book's charts, built once here and used by every chapter.

* :mod:`.theme`: the theme, one colour and shape per party, and the renderer
  (HTML for the web, vector PDF for the PDF edition, a text alternative);
* :mod:`.claims`: claims of one quantity over time, by claimant;
* :mod:`.events`: the events table (per month, and on a time line);
* :mod:`.maps`: the border area with the places of the dataset;
* :mod:`.control`: control of named places as each side claimed it, by date and on maps;
* :mod:`.ratios`: ratios of party figures to independent ones, by claimant;
* :mod:`.timeline`: every event on one time axis, filtered in the browser by chapter and party.

Every chart carries a ``description`` (its text alternative) and a tooltip on
every mark that names the claimant and the source.
"""

from .theme import (CHAPTERS, FONT, SIDE_COLOURS, SIDE_SHAPES, SIDES, render,  # noqa: F401
                    shape_scale, side_scale)
from .claims import (CLAIM_TOOLTIP, QUALIFIER_WORDS, UNIT_WORDS, claim_frame, claim_label,  # noqa: F401
                     claims_in_panels, claims_over_time, label_claimants, source_and_date)
from .events import event_frame, events_in_lanes, events_per_month  # noqa: F401
from .control import control_by_date, control_claims, control_maps, places_at  # noqa: F401
from .maps import LABEL_OFFSETS, NEUTRAL_MARKS, border_map, distance_km  # noqa: F401
from .timeline import event_timeline  # noqa: F401
from .ratios import divergence_strip  # noqa: F401
