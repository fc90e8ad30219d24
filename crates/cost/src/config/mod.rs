//! Reading a design in fpgaConvNet's `config.json` schema.
//!
//! The reader is tolerant of the many fields the model does not need but strict about the ones it does: a
//! missing or ill-typed parameter, an unknown layer type or a stream to a node that does not exist is an error
//! naming the layer.

mod error;
mod layers;
mod schema;
mod write;

use std::path::Path;

pub use error::ConfigError;
pub use write::write_config;

use crate::design::{Design, Partition};
use crate::pipeline::Pipeline;
use schema::{ConfigFile, PartitionEntry};

/// Reads a fpgaConvNet `config.json` file.
pub fn read_config_file(path: impl AsRef<Path>) -> Result<Design, ConfigError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })?;
    parse_config(&text, &path.display().to_string())
}

/// Parses fpgaConvNet `config.json` text; `origin` names the source in error messages.
pub fn parse_config(text: &str, origin: &str) -> Result<Design, ConfigError> {
    let file: ConfigFile =
        serde_json::from_str(text).map_err(|source| ConfigError::Malformed { origin: origin.to_owned(), source })?;
    if file.partition.is_empty() {
        return Err(ConfigError::NoPartitions { origin: origin.to_owned() });
    }
    let partitions = file
        .partition
        .into_iter()
        .enumerate()
        .map(|(position, entry)| read_partition(entry, position, origin))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Design { partitions })
}

fn read_partition(entry: PartitionEntry, position: usize, origin: &str) -> Result<Partition, ConfigError> {
    let partition = entry.id.unwrap_or(position);
    if entry.weights_reloading_factor != 1 {
        return Err(ConfigError::WeightsReloading {
            origin: origin.to_owned(),
            partition,
            factor: entry.weights_reloading_factor,
        });
    }
    let layers = entry.layers.iter().map(|layer| layers::read_layer(layer, origin)).collect::<Result<Vec<_>, _>>()?;
    let edges = layers::read_edges(&entry.layers, origin, partition)?;
    let pipeline = Pipeline::new(layers, &edges, entry.batch_size).map_err(|source| ConfigError::Pipeline {
        origin: origin.to_owned(),
        partition,
        source,
    })?;
    Ok(Partition { pipeline, weights_reloading_layer: entry.weights_reloading_layer })
}
