"""The book's charts, built once here and used by every chapter.

* :mod:`.theme`: the theme, one colour and shape per party, and the renderer
  (HTML for the web, vector PDF for the PDF edition, a text alternative);
* :mod:`.claims`: claims of one quantity over time, by claimant;
* :mod:`.events`: the events table (per month, and on a time line);
* :mod:`.maps`: the border area with the places of the dataset;
* :mod:`.control`: control of named places as each side claimed it, by date and on maps;
* :mod:`.ratios`: ratios of party figures to independent ones, by claimant;
* :mod:`.timeline`: every event on one time axis, filtered in the browser by chapter and party.

The words the charts print (names of sides, chapters and statuses, hedges and
units, how a figure is written) come from :mod:`kursk.vocabulary`.

Every chart carries a ``description`` (its text alternative) and a tooltip on
every mark that names the claimant and the source.
"""

from .theme import (CHAPTER_COLOURS, FONT, SIDE_COLOURS, SIDE_SHAPES, render,  # noqa: F401
                    shape_scale, side_scale)
from .claims import (CLAIM_TOOLTIP, claim_frame, claims_in_panels, claims_over_time,  # noqa: F401
                     label_claimants)
from .events import STATUS_MARKS, event_frame, events_in_lanes, events_per_month  # noqa: F401
from .control import control_by_date, control_claims, control_maps, places_at  # noqa: F401
from .maps import LABEL_OFFSETS, NEUTRAL_MARKS, border_map, distance_km  # noqa: F401
from .timeline import event_timeline  # noqa: F401
from .ratios import divergence_strip  # noqa: F401
