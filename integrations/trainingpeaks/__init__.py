"""TrainingPeaks: a coach plan read from the athlete's calendar feed (iCal)."""
