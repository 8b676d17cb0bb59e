//! Rasad place stage (gazetteer and geocoder). See issue 3.
